"""The screens the pages/ scripts draw: each module renders one page's
sections from queries and hands user actions to the services."""
