using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace HaCluster.Controller.Api;

/// <summary>
/// Writes a default (uninitialised) <see cref="ImmutableArray{T}"/> as <c>[]</c> instead of throwing. The OpenAPI
/// schema exporter serialises <c>VipGroup</c>'s constructor defaults, which are default arrays.
/// </summary>
internal sealed class ImmutableArrayConverter : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(ImmutableArray<>);

    public override JsonConverter? CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter?)Activator.CreateInstance(typeof(Converter<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]));

    private sealed class Converter<T> : JsonConverter<ImmutableArray<T>>
    {
        public override ImmutableArray<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Null)
            {
                return default;
            }

            var items = ImmutableArray.CreateBuilder<T>();
            var itemInfo = (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
            reader.Read();
            while (reader.TokenType != JsonTokenType.EndArray)
            {
                items.Add(JsonSerializer.Deserialize(ref reader, itemInfo)!);
                reader.Read();
            }

            return items.ToImmutable();
        }

        public override void Write(Utf8JsonWriter writer, ImmutableArray<T> value, JsonSerializerOptions options)
        {
            var itemInfo = (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
            writer.WriteStartArray();
            foreach (var item in value.IsDefault ? [] : value)
            {
                JsonSerializer.Serialize(writer, item, itemInfo);
            }

            writer.WriteEndArray();
        }
    }
}
