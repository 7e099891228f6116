import java.net.InetAddress;
public class Resolve {
    public static void main(String[] args) throws Exception {
        System.out.println(InetAddress.getByName(args[0]));
    }
}
