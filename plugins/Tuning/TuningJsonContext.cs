using System.Text.Json.Serialization;

namespace Cni.Plugins.Tuning;

/// <summary>Source-generated (de)serializers for the saved-state file; absent values stay absent on disk.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TuningState))]
internal sealed partial class TuningJsonContext : JsonSerializerContext;
