return 0; // placeholder until cnictl lands
