insert into public.items (qty, label) values (1, 'a');
