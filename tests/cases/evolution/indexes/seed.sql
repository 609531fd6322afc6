insert into public.events (kind, payload) values ('a', '{}'), ('b', null);
