import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.*;

public class Oom {
    public static void main(String[] args) throws Exception {
        List<Object> keep = new ArrayList<>();
        switch (args[0]) {
            case "heap":
                while (true) keep.add(new long[1024]);
            case "gc":
                Map<Integer, String> m = new HashMap<>();
                for (int i = 0; ; i++) m.put(i, String.valueOf(i));
            case "array":
                keep.add(new long[Integer.MAX_VALUE]);
                break;
            case "direct":
                while (true) keep.add(ByteBuffer.allocateDirect(1 << 20));
            case "metaspace":
                while (true) {
                    ClassLoader cl = new ClassLoader(Oom.class.getClassLoader()) {};
                    keep.add(Proxy.newProxyInstance(cl, new Class<?>[] {Runnable.class}, (p, meth, a) -> null));
                }
            case "thread":
                while (true) {
                    Thread t = new Thread(() -> { try { Thread.sleep(60000); } catch (InterruptedException e) { } });
                    t.setDaemon(true);
                    t.start();
                }
        }
    }
}
