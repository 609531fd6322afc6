insert into public.people (email, age) values ('a@example.com', 3), ('b@example.com', 40);
