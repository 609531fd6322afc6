insert into public.sales (region, amount) values ('eu', 10), ('us', 20);
