"""Loading data through the services: reference data and the demo data set."""
