insert into public.teams (name) values ('t'); insert into public.players (name) values ('p1'), ('p2');
