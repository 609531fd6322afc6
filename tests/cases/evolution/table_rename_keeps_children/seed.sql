insert into public.tickets (code) values ('a');
