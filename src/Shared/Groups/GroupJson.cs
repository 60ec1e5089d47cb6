using System.Text.Json.Serialization;

namespace HaCluster.Shared.Groups;

/// <summary>Source-generated (AOT-safe) JSON binding for groups, camelCase as the REST API speaks it.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(VipGroup))]
[JsonSerializable(typeof(List<VipGroup>))]
public sealed partial class GroupJson : JsonSerializerContext;
