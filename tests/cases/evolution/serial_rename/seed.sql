insert into public.tickets (title) values ('first'), ('second');
