"""Pure renderers: data in, bytes or figures out (xlsx workbooks, plotly
charts, the monitoring's .docx documents). No database, no Streamlit."""
