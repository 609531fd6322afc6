insert into public.tickets (title, body) values ('a', 'b');
