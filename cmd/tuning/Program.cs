return Cni.Sdk.PluginMain.Run(new Cni.Plugins.Tuning.TuningPlugin(), "CNI tuning plugin (C#, NativeAOT)");
