using CsCheck;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using HaCluster.Contracts;
using HaCluster.Controller.Tests.Infrastructure;
using Xunit.Abstractions;

namespace HaCluster.Controller.Tests;

/// <summary>
/// Fuzzing of the gRPC admin API from its protos (issue 18): every method of <c>Admin</c>, as an admin, with request
/// messages CsCheck fills through protobuf reflection (troublemaker strings, extreme numbers, unknown enum values) and
/// then, half the time, corrupts byte by byte. Every call ends with a status a client can act on — never INTERNAL,
/// UNKNOWN or DATA_LOSS — and nothing is logged at error or with an exception.
/// </summary>
public sealed class GrpcFuzzTests(SqliteBackendFixture sqlite, ITestOutputHelper output) : IClassFixture<SqliteBackendFixture>
{
    private static readonly string[] Strings =
    [
        "web", "n1", "", " ", "..", "a/b", new string('a', 300), "\u00e9\u4e2d\ud83d\ude00", "198.51.100.7/24", "1h", "-1", "x'; drop table groups;--",
    ];

    private static readonly Marshaller<byte[]> Raw = Marshallers.Create(b => b, b => b);

    [Fact]
    public async Task EveryAdminMethod_FuzzedMessages_NoInternalErrorNoErrorLogged()
    {
        var settings = new Dictionary<string, string>(sqlite.Backend.NewSettings()) { ["Auth:RequestsPerMinute"] = "1000000" };
        await using var app = await ControllerApp.StartAsync(settings);
        using var channel = app.Channel();
        var invoker = channel.CreateCallInvoker();
        var methods = Admin.Descriptor.Methods.ToArray();

        var gen = Gen.Select(Gen.Int[0, methods.Length - 1], Gen.Int[0, Strings.Length - 1].Array[8], Gen.Long.Array[8], Gen.Int[0, 255].Array[0, 6], Gen.Int[0, 1000].Array[0, 6],
            (method, strings, numbers, corrupt, at) => new Call(methods[method], Corrupt(Fill(methods[method].InputType, strings, numbers), corrupt, at)));
        var codes = new System.Collections.Concurrent.ConcurrentDictionary<StatusCode, int>();
        var report = HaCluster.TestSupport.Fuzz.Run("grpc", gen, c => c.Bytes, "pb", call =>
        {
            var before = app.ErrorLogs.Count;
            var code = Invoke(invoker, call).GetAwaiter().GetResult();
            codes.AddOrUpdate(code, 1, (_, n) => n + 1);
            Assert.False(code is StatusCode.Internal or StatusCode.Unknown or StatusCode.DataLoss or StatusCode.Unimplemented, $"{call.Method.Name}: {code}");
            var logged = app.ErrorLogs.Skip(before).ToList();
            Assert.True(logged.Count == 0, $"{call.Method.Name}: logged {string.Join("\n", logged)}");
        }, seconds: 10, perInput: TimeSpan.FromSeconds(30));
        output.WriteLine($"{report}; statuses: {string.Join(", ", codes.OrderBy(c => c.Key).Select(c => $"{c.Key} ×{c.Value}"))}");
    }

    /// <summary>
    /// What the fuzzer found first: GetGroup with a field that claims 61 bytes and has 2 was UNKNOWN ("exception thrown
    /// by the handler", logged at error). A request that does not parse is the caller's mistake: INVALID_ARGUMENT.
    /// </summary>
    [Fact]
    public async Task RequestThatDoesNotParse_IsInvalidArgument_AndNotLoggedAsAnError()
    {
        await using var app = await ControllerApp.StartAsync(sqlite.Backend.NewSettings());
        using var channel = app.Channel();

        var code = await Invoke(channel.CreateCallInvoker(), new Call(Admin.Descriptor.FindMethodByName("GetGroup"), [0x0a, 0x3d, 0x31, 0x68]));

        Assert.Equal(StatusCode.InvalidArgument, code);
        Assert.Empty(app.ErrorLogs);
    }

    /// <summary>
    /// A message over the server's 4 MiB limit: RESOURCE_EXHAUSTED, and nothing logged at error. (Written for issue 18,
    /// it failed one time in five: Kestrel's server-wide 64 KiB body cap hit the HTTP/2 data frames before gRPC lifted
    /// it, UNKNOWN with "Request body too large" at error — any gRPC message over 64 KiB could. The cap is per request now.)
    /// </summary>
    [Fact]
    public async Task MessageOverTheLimit_IsResourceExhausted()
    {
        await using var app = await ControllerApp.StartAsync(sqlite.Backend.NewSettings());
        using var channel = app.Channel();

        var huge = new GroupRef { Name = new string('a', 5 * 1024 * 1024) }.ToByteArray();
        var code = await Invoke(channel.CreateCallInvoker(), new Call(Admin.Descriptor.FindMethodByName("GetGroup"), huge));

        Assert.True(code == StatusCode.ResourceExhausted, $"{code}: {string.Join("\n", app.ErrorLogs)}");
        Assert.Empty(app.ErrorLogs);
    }

    /// <summary>Messages of 100 KiB to 3 MiB, under gRPC's limit and over the REST default's 64 KiB: never refused for their size.</summary>
    [Fact]
    public async Task MessagesOver64KiB_UnderTheLimit_AreTakenEveryTime()
    {
        await using var app = await ControllerApp.StartAsync(sqlite.Backend.NewSettings());
        using var channel = app.Channel();

        foreach (var size in (int[])[100 * 1024, 512 * 1024, 1024 * 1024, 3 * 1024 * 1024, 100 * 1024, 512 * 1024])
        {
            var message = new GroupRef { Name = new string('a', size) }.ToByteArray();
            var code = await Invoke(channel.CreateCallInvoker(), new Call(Admin.Descriptor.FindMethodByName("GetGroup"), message));
            Assert.True(code is StatusCode.NotFound or StatusCode.InvalidArgument, $"{size} bytes: {code}");
        }

        Assert.Empty(app.ErrorLogs);
    }

    private sealed record Call(MethodDescriptor Method, byte[] Bytes);

    private static async Task<StatusCode> Invoke(CallInvoker invoker, Call call)
    {
        var options = new CallOptions(deadline: DateTime.UtcNow.AddSeconds(call.Method.IsServerStreaming ? 0.2 : 20));
        try
        {
            if (call.Method.IsServerStreaming)
            {
                using var stream = invoker.AsyncServerStreamingCall(new Method<byte[], byte[]>(MethodType.ServerStreaming, Admin.Descriptor.FullName, call.Method.Name, Raw, Raw), null, options, call.Bytes);
                while (await stream.ResponseStream.MoveNext(CancellationToken.None))
                {
                }

                return StatusCode.OK;
            }

            using var unary = invoker.AsyncUnaryCall(new Method<byte[], byte[]>(MethodType.Unary, Admin.Descriptor.FullName, call.Method.Name, Raw, Raw), null, options, call.Bytes);
            await unary.ResponseAsync;
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }

    /// <summary>A message of <paramref name="type"/> with every scalar field (and one element of each repeated one) set.</summary>
    private static byte[] Fill(MessageDescriptor type, int[] strings, long[] numbers)
    {
        var message = (IMessage)Activator.CreateInstance(type.ClrType)!;
        var i = 0;
        foreach (var field in type.Fields.InFieldNumberOrder())
        {
            var n = numbers[i % numbers.Length];
            object? value = field.FieldType switch
            {
                FieldType.String => Strings[strings[i % strings.Length]],
                FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => (int)n,
                FieldType.UInt32 or FieldType.Fixed32 => (uint)n,
                FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => n,
                FieldType.UInt64 or FieldType.Fixed64 => (ulong)n,
                FieldType.Bool => n % 2 == 0,
                FieldType.Enum => (int)(n % 8),
                FieldType.Double => (double)n,
                FieldType.Float => (float)n,
                FieldType.Bytes => ByteString.CopyFromUtf8(Strings[strings[i % strings.Length]]),
                _ => null,
            };
            i++;
            if (value is null)
            {
                continue;
            }

            if (field.IsRepeated)
            {
                ((System.Collections.IList)field.Accessor.GetValue(message)).Add(value);
            }
            else if (field.RealContainingOneof is null || n % 3 == 0)
            {
                field.Accessor.SetValue(message, value);
            }
        }

        return message.ToByteArray();
    }

    private static byte[] Corrupt(byte[] bytes, int[] values, int[] at)
    {
        var result = bytes.ToArray();
        for (var k = 0; k < Math.Min(values.Length, at.Length) && result.Length > 0; k++)
        {
            result[at[k] % result.Length] = (byte)values[k];
        }

        return result;
    }

}
