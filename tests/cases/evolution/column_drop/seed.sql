insert into public.items (qty, label, note, price) values (3, 'a', 'x', 1.5), (4, 'b', null, 2);
