insert into public.boards (team) values ('red'), ('blue');
insert into public.cards (board_id, body) values
  (1, 'a first card with a long body'), (1, 'second'), (2, 'third');
