"""The only part of dumas that imports streamlit: state, cached data and widgets."""
