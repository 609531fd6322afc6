insert into public.posts (title) values ('a'), ('b');
