insert into public.projects (name) values ('p'); insert into public.tasks (project_id, title) values (1, 't');
