import "/work/main/test/reliability/hostile/console-flood";
