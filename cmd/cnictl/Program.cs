// cnictl: a libcni-like runtime on the command line (add/check/del/gc/status) and the end-to-end demo.
// All logic lives in Cni.Runtime; this only hands over the arguments and the console.
return Cni.Runtime.Cli.Cnictl.Run(args, Console.Out, Console.Error);
