"""The part of dumas that imports streamlit: state, cached data, widgets and screens/."""
