"""The periodic report (monthly, semester, annual): its tables built from
the queries, and the workbook, chart images and .docx made from them."""
