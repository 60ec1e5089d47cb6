using System.Collections.Immutable;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace HaCluster.Controller.Api;

internal static class OpenApiSchemas
{
    /// <summary><see cref="ImmutableArrayConverter"/> hides the element type from the exporter; describe it again as an array.</summary>
    public static async Task DescribeImmutableArrays(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        var type = context.JsonTypeInfo.Type;
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ImmutableArray<>))
        {
            schema.Type = JsonSchemaType.Array;
            schema.Items = await context.GetOrCreateSchemaAsync(type.GetGenericArguments()[0], null, ct);
        }
    }
}
