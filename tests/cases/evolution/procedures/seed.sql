insert into public.events (kind) values ('a'), ('b');
