import { parseJenkinsfile } from '.';

const DECLARATIVE = `@Library('shared-lib@v1.2.0') _
pipeline {
  agent {
    docker {
      image 'maven:3.9-eclipse-temurin-21'
      label 'linux'
    }
  }
  environment {
    REGION = 'eu-west-1'
    TOKEN = credentials('deploy-token')
  }
  stages {
    stage('Build') {
      steps {
        sh 'mvn -B package' // a comment with 'quotes'
        sh """
          echo "\${REGION}"
        """
        sh(script: "curl -s \${URL}", returnStdout: true)
        withCredentials([usernamePassword(credentialsId: 'c', usernameVariable: 'USER', passwordVariable: 'PASS')]) {
          bat 'echo %USER%'
        }
        /* sh 'ignored' */
      }
    }
  }
}
`;

const SCRIPTED = `library 'other@main'
node('linux') {
  docker.image('node:20').inside {
    sh '''
      npm ci
    '''
  }
}
`;

describe('parseJenkinsfile', () => {
  it('reads declarative pipelines', () => {
    const { jenkinsfile: jf, problems } = parseJenkinsfile(
      'Jenkinsfile',
      DECLARATIVE,
    );
    expect(problems).toEqual([]);
    expect(jf.declarative).toBe(true);
    expect(jf.libraries).toMatchObject([
      { name: 'shared-lib', ref: 'v1.2.0', range: { line: 1, column: 10 } },
    ]);
    expect(jf.agents).toMatchObject([
      { kind: 'docker', label: 'linux', range: { line: 3 } },
    ]);
    expect(
      jf.images.map(i => [
        i.image.value,
        i.kind,
        i.image.range.line,
        i.image.range.column,
      ]),
    ).toEqual([['maven:3.9-eclipse-temurin-21', 'agent-docker', 5, 13]]);
    expect(
      jf.environment.map(e => [e.name, e.value?.value, e.credentialsId]),
    ).toEqual([
      ['REGION', 'eu-west-1', undefined],
      ['TOKEN', undefined, 'deploy-token'],
    ]);
    expect(
      jf.shellSteps.map(s => [
        s.step,
        s.script.quote,
        s.script.interpolated,
        s.range.line,
      ]),
    ).toEqual([
      ['sh', "'", false, 16],
      ['sh', '"""', true, 17],
      ['sh', '"', true, 20],
      ['bat', "'", false, 22],
    ]);
    const first = jf.shellSteps[0].script;
    expect(first.value).toBe('mvn -B package');
    expect(jf.lines.range(first.offset, 3)).toMatchObject({
      line: 16,
      column: 13,
    });
    expect(jf.credentialVariables.map(v => v.name).sort()).toEqual([
      'PASS',
      'TOKEN',
      'USER',
    ]);
  });

  it('reads scripted pipelines', () => {
    const { jenkinsfile: jf } = parseJenkinsfile('Jenkinsfile', SCRIPTED);
    expect(jf.declarative).toBe(false);
    expect(jf.libraries).toMatchObject([{ name: 'other', ref: 'main' }]);
    expect(jf.agents).toMatchObject([{ kind: 'node', label: 'linux' }]);
    expect(jf.images).toMatchObject([
      { kind: 'docker-image', image: { value: 'node:20' } },
    ]);
    expect(jf.shellSteps[0].script.quote).toBe("'''");
    expect(jf.shellSteps[0].script.value.trim()).toBe('npm ci');
  });

  it('survives an unterminated string and reports where it starts', () => {
    const { jenkinsfile: jf, problems } = parseJenkinsfile(
      'Jenkinsfile',
      "node {\n  sh 'echo ok'\n  sh '''never closed\n  echo more\n",
    );
    expect(jf.shellSteps.map(s => s.script.terminated)).toEqual([true, false]);
    expect(problems).toMatchObject([
      { line: 3, column: 6, kind: 'parse-error' },
    ]);
    expect(() =>
      parseJenkinsfile('Jenkinsfile', '/* open comment\n"\'{{{(('),
    ).not.toThrow();
  });

  it('recognises agent any and node without label', () => {
    const { jenkinsfile: jf } = parseJenkinsfile(
      'Jenkinsfile',
      'pipeline { agent any\n stages {} }\nnode { sh "make" }',
    );
    expect(jf.agents.map(a => [a.kind, a.label])).toEqual([
      ['any', undefined],
      ['node', undefined],
    ]);
  });
});
