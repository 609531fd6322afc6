insert into public.people (email, age) values ('a@example.com', 3), ('b@example.com', 40);
update public.people set code = 'ab12';
insert into public.counters (n) values (7);
