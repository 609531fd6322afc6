insert into public.profiles (id, name) values ('00000000-0000-0000-0000-000000000001', 'a');
