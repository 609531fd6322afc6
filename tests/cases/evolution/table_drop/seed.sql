insert into public.users (id) values ('00000000-0000-0000-0000-000000000001');
insert into public.sessions (user_id) values ('00000000-0000-0000-0000-000000000001');
