insert into public.items (qty) values (1);
