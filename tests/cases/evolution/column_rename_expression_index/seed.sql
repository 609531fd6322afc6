insert into public.items (title) values ('a');
