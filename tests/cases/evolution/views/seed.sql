insert into public.orders (total, status) values (10, 'open'), (200, 'closed');
