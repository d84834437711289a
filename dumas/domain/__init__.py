"""The rules of SOP 305/2012 as plain Python: roles and permissions, coded
values, the two state machines and their deadlines, the working-day calendar, periods."""
