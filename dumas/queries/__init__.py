"""Read side: parameterised SQL returning plain values and DataFrames."""
