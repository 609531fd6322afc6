insert into public.entries (amount) values (1), (2);
