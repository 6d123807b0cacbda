import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * Starts DynamoDB Local with its own command-line options, but listening on one address only.
 *
 * DynamoDB Local has no bind-address option: its server is Jetty's `new Server(port)`, which listens on
 * every interface, and DynamoDB Local accepts any credentials. So this launcher builds the server the way
 * DynamoDB Local's own ServerRunner does, points its connector at `-Dbookstore.bind` (127.0.0.1 by
 * default) before it starts, and starts it. Compiled into the install by scripts/engines/dynamodb-local.ts.
 */
public class LoopbackDynamoDBLocal {
    public static void main(String[] args) throws Exception {
        String host = System.getProperty("bookstore.bind", "127.0.0.1");
        DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
        Field field = DynamoDBProxyServer.class.getDeclaredField("server");
        field.setAccessible(true);
        Server jetty = (Server) field.get(proxy);
        for (Connector connector : jetty.getConnectors()) {
            ((ServerConnector) connector).setHost(host);
        }
        proxy.start();
    }
}
