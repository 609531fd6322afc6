insert into billing.invoices default values;
