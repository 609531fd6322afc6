insert into public.notes (body) values ('kept');
