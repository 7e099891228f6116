import java.net.URL;
import javax.net.ssl.HttpsURLConnection;

public class TlsClient {
    public static void main(String[] args) throws Exception {
        HttpsURLConnection c = (HttpsURLConnection) new URL(args[0]).openConnection();
        System.out.println("status " + c.getResponseCode());
    }
}
