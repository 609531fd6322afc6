insert into public.lines (qty, price, note) values (2, 1.50, 'x');
