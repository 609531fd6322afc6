insert into public.authors (name) values ('a');
insert into public.titles (author_id, name) select id, 'first' from public.authors;
