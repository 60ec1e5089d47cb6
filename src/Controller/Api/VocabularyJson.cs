using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using HaCluster.Shared.Vocabulary;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace HaCluster.Controller.Api;

/// <summary>
/// The REST edge's string form of the shared vocabulary: the names of <see cref="Names"/> in JSON (MASTER,
/// master_down_timer, transition, split_brain), read back strictly, and described as such in the OpenAPI document.
/// </summary>
internal static class VocabularyJson
{
    public static void AddTo(JsonSerializerOptions options)
    {
        options.Converters.Add(new NameConverter<VrrpState>(Names.Name, Names.TryParse));
        options.Converters.Add(new NameConverter<TransitionReason>(Names.Name, Names.TryParse));
        options.Converters.Add(new NameConverter<EventKind>(Names.Name, Names.TryParse));
        options.Converters.Add(new NameConverter<GroupHealth>(Names.Name, Names.TryParse));
    }

    /// <summary>OpenAPI: each vocabulary enum is a string with its names, not an integer.</summary>
    public static Task Describe(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
        IReadOnlyList<string>? names = type == typeof(VrrpState) ? Names.All<VrrpState>()
            : type == typeof(TransitionReason) ? Names.All<TransitionReason>()
            : type == typeof(EventKind) ? Names.All<EventKind>()
            : type == typeof(GroupHealth) ? Names.All<GroupHealth>()
            : null;
        if (names is not null)
        {
            schema.Type = JsonSchemaType.String;
            schema.Format = null;
            schema.Enum = [.. names.Select(n => (JsonNode)JsonValue.Create(n))];
        }

        return Task.CompletedTask;
    }

    private delegate bool TryParse<T>(string? name, out T value);

    private sealed class NameConverter<T>(Func<T, string> name, TryParse<T> parse) : JsonConverter<T>
        where T : struct, Enum
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String && parse(reader.GetString(), out var value)
                ? value
                : throw new JsonException($"not one of {string.Join(", ", Names.All<T>())}");

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(name(value));
    }
}
