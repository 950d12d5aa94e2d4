
  FROM   busybox   AS   base   
	RUN		echo   tabs	and   spaces   
   COPY    a    b   
