#!/bin/bash
# A log file under a directory that does not exist (and, for the Java loggers that create parents
# themselves, cannot be created because the parent is not writable for the user): real output of
# Python logging (2.7, 3.6, 3.11, 3.13; FileHandler and dictConfig), Node fs, Go os.OpenFile,
# logback 1.2.11, log4j 2.19.0 (File and RollingFile appenders), log4j 1.2.17 (Debian 12 packages).
set -u
OUT=${OUT:-$(pwd)}
A=$(mktemp -d); chmod 755 $A     # /app stand-in, root-owned: 'nobody' cannot create $A/logs
L=$A/logs/app.log
for v in 2.7.18 3.6.15 3.11.7 3.13.0; do
  PY=/root/.pyenv/versions/$v/bin/python
  $PY -c "import logging; logging.basicConfig(filename='$L')" > $OUT/python-$v-filehandler.txt 2>&1
  $PY -c "
import logging.config
logging.config.dictConfig({'version': 1, 'handlers': {'file': {'class': 'logging.FileHandler', 'filename': '$L'}}, 'root': {'handlers': ['file']}})" > $OUT/python-$v-dictconfig.txt 2>&1
done
node -e "const s=require('fs').createWriteStream('$L'); s.write('x')" > $OUT/node-createwritestream.txt 2>&1
G=$(mktemp -d); cat > $G/main.go <<'GO'
package main
import ("log"; "os")
func main() { f, err := os.OpenFile(os.Args[1], os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0644); if err != nil { log.Fatalf("failed to open log file: %v", err) }; f.Close() }
GO
(cd $G && go mod init lt >/dev/null 2>&1 && go build -o lt .) && $G/lt $L > $OUT/go-openfile.txt 2>&1
J=$(mktemp -d); chmod 755 $J
cat > $J/App.java <<'JV'
public class App { public static void main(String[] a) { org.slf4j.LoggerFactory.getLogger(App.class).info("hello"); } }
JV
cat > $J/App2.java <<'JV'
public class App2 { public static void main(String[] a) { org.apache.logging.log4j.LogManager.getLogger(App2.class).error("hello"); } }
JV
cat > $J/App1.java <<'JV'
public class App1 { public static void main(String[] a) { org.apache.log4j.Logger.getLogger(App1.class).error("hello"); } }
JV
cat > $J/logback.xml <<XML
<configuration><appender name="FILE" class="ch.qos.logback.core.FileAppender"><file>$L</file><encoder><pattern>%msg%n</pattern></encoder></appender><root level="info"><appender-ref ref="FILE"/></root></configuration>
XML
cat > $J/log4j2.xml <<XML
<Configuration><Appenders><File name="F" fileName="$L"><PatternLayout pattern="%m%n"/></File>
<RollingFile name="R" fileName="$A/logs/roll.log" filePattern="$A/logs/roll-%i.log"><PatternLayout pattern="%m%n"/><SizeBasedTriggeringPolicy size="1 MB"/></RollingFile></Appenders>
<Loggers><Root level="error"><AppenderRef ref="F"/><AppenderRef ref="R"/></Root></Loggers></Configuration>
XML
cat > $J/log4j.properties <<PR
log4j.rootLogger=ERROR, F
log4j.appender.F=org.apache.log4j.FileAppender
log4j.appender.F.File=$L
log4j.appender.F.layout=org.apache.log4j.PatternLayout
PR
S=/usr/share/java
CPLB=$S/slf4j-api.jar:$S/logback-classic.jar:$S/logback-core.jar
CPL2=$S/log4j-api.jar:$S/log4j-core.jar
(cd $J && javac -cp $CPLB App.java && javac -cp $CPL2 App2.java && javac -cp $S/log4j-1.2.jar App1.java)
chmod -R a+rX $J
runuser -u nobody -- java -cp $J:$CPLB -Dlogback.configurationFile=$J/logback.xml App > $OUT/java-logback-1.2.11.txt 2>&1
runuser -u nobody -- java -cp $J:$CPL2 -Dlog4j2.configurationFile=$J/log4j2.xml App2 > $OUT/java-log4j-2.19.0.txt 2>&1
runuser -u nobody -- java -cp $J:$S/log4j-1.2.jar -Dlog4j.configuration=file:$J/log4j.properties App1 > $OUT/java-log4j-1.2.17.txt 2>&1
sed -i "s#$A#/app#g; s#$J#/opt/app#g" $OUT/*.txt     # show the stand-in directory as /app
rm -rf $A $G $J
