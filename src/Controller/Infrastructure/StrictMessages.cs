using System.Reflection;
using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace HaCluster.Controller.Infrastructure;

/// <summary>
/// Binds every gRPC service as Grpc.AspNetCore's own binder does (the generated <c>BindService</c>, the service's and
/// the method's attributes as endpoint metadata, so authorization is unchanged), with one difference: the request of
/// a unary or server-streaming call that does not parse is the caller's mistake — INVALID_ARGUMENT with why — not an
/// exception "thrown by the handler" (UNKNOWN, and a stack trace logged at error). Client- and duplex-streaming calls
/// keep the generated marshaller: their handlers read (and count) each message themselves.
/// </summary>
internal sealed class StrictMessages<TService> : IServiceMethodProvider<TService>
    where TService : class
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
    {
        var bind = BindMethod(typeof(TService));
        bind?.Invoke(null, [new Binder(context), null]);
    }

    /// <summary>The generated static <c>BindService(ServiceBinderBase, TBase)</c> named by <see cref="BindServiceMethodAttribute"/> on the service's base.</summary>
    private static MethodInfo? BindMethod(Type service)
    {
        for (var type = service; type is not null; type = type.BaseType)
        {
            if (type.GetCustomAttribute<BindServiceMethodAttribute>(inherit: false) is { } attribute)
            {
                return attribute.BindType.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
                    .FirstOrDefault(m => m.Name == attribute.BindMethodName && m.GetParameters() is [var first, _] && first.ParameterType == typeof(ServiceBinderBase));
            }
        }

        return null;
    }

    private sealed class Binder(ServiceMethodProviderContext<TService> context) : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler) =>
            context.AddUnaryMethod(Strict(method), Metadata(method.Name, out var implementation), Invoker<UnaryServerMethod<TService, TRequest, TResponse>>(implementation));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddServerStreamingMethod(Strict(method), Metadata(method.Name, out var implementation), Invoker<ServerStreamingServerMethod<TService, TRequest, TResponse>>(implementation));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddClientStreamingMethod(method, Metadata(method.Name, out var implementation), Invoker<ClientStreamingServerMethod<TService, TRequest, TResponse>>(implementation));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddDuplexStreamingMethod(method, Metadata(method.Name, out var implementation), Invoker<DuplexStreamingServerMethod<TService, TRequest, TResponse>>(implementation));

        /// <summary>As Grpc.AspNetCore: the service's attributes first (lower priority), the method's last, and POST with CORS preflight.</summary>
        private static List<object> Metadata(string name, out MethodInfo implementation)
        {
            implementation = typeof(TService).GetMethod(name, BindingFlags.Public | BindingFlags.Instance)
                ?? throw new InvalidOperationException($"{typeof(TService).Name} has no method {name}");
            return
            [
                .. typeof(TService).GetCustomAttributes(inherit: true),
                .. implementation.GetCustomAttributes(inherit: true),
                new HttpMethodMetadata(["POST"], acceptCorsPreflight: true),
            ];
        }

        private static TDelegate Invoker<TDelegate>(MethodInfo implementation)
            where TDelegate : Delegate => (TDelegate)Delegate.CreateDelegate(typeof(TDelegate), implementation);

        private static Method<TRequest, TResponse> Strict<TRequest, TResponse>(Method<TRequest, TResponse> method)
        {
            var deserialize = method.RequestMarshaller.ContextualDeserializer;
            var request = Marshallers.Create(method.RequestMarshaller.ContextualSerializer, context =>
            {
                try
                {
                    return deserialize(context);
                }
                catch (InvalidProtocolBufferException e)
                {
                    throw new RpcException(new Status(StatusCode.InvalidArgument, $"the {typeof(TRequest).Name} message does not parse: {e.Message}"));
                }
            });
            return new Method<TRequest, TResponse>(method.Type, method.ServiceName, method.Name, request, method.ResponseMarshaller);
        }
    }
}
