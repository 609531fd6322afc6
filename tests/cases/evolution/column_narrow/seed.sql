insert into public.items (qty, label) values (3, 'a'), (4, 'b');
