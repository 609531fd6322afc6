insert into public.standings (season, team, points) values (1999, 'a', 1), (2010, 'a', 2), (2025, 'b', 3), (2030, 'zz', 4);
