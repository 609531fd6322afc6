insert into public.users (id) values ('00000000-0000-0000-0000-000000000001');
