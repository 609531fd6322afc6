insert into public.articles (status) values ('draft'), ('published');
