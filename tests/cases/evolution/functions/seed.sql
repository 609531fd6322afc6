insert into public.teams default values;
