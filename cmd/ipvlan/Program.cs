return 0; // placeholder until the ipvlan plugin lands
